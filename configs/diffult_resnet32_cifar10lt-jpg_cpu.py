# DiffuLT on a laptop: the whole pipeline on real CIFAR-10-LT IF100 (the
# CIFAR-10 JPEG folder) on 2 CPU cores, scaled down (stages in
# _base_/diffult/cifar10lt-jpg_cpu.py, measured times in
# benchmarks/RESULTS.md); the classifier is ResNet-32 on the proxy with
# weighted CE (omega 0.3) on the same 20-epoch schedule as
# baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py.
#
#   export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
#   python tools/train.py configs/diffult_resnet32_cifar10lt-jpg_cpu.py
#
# It is the protocol's DiffuLT arm, not a reproduction: N_t, the generator
# and the schedules are far below the paper's.
_base_ = [
    './baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py',
    './_base_/diffult/cifar10lt-jpg_cpu.py',
]

model = dict(head=dict(type='WeightedLinearClsHead'))

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

custom_hooks = [
    _base_.diffult_synthesis,
    dict(type='TrainClassCountsHook'),
]
