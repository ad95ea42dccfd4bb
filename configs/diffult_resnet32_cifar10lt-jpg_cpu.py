# The CPU protocol v1's DiffuLT arm (superseded; its records stay in
# benchmarks/results): the whole pipeline on real CIFAR-10-LT IF100 (the
# CIFAR-10 JPEG folder) on 2 CPU cores, scaled down (stages in
# _base_/diffult/cifar10lt-jpg_cpu.py: the tiny pixel generator); the
# classifier is ResNet-32 on the proxy with weighted CE (omega 0.3) on the
# same 20-epoch schedule as baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py.
# The v1 oracle, filter and combination configs build on it.
#
# The laptop job is now the v2 protocol's latent DiffuLT arm,
# cpu_protocol/diffult-latent_resnet32_cifar10lt-jpg.py (a better bank:
# benchmarks/RESULTS.md, "Classification accuracy score of a bank").
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
