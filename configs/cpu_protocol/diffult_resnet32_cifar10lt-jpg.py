# CPU protocol v2, DiffuLT arm: ResNet-32 with omega-weighted CE (omega 0.3)
# on the balanced proxy of CIFAR-10-LT IF100; the stages (phi0, the tiny CPU
# generator, the bank with N_t = 1000: 4,464 synthetic slots) are those of
# ../_base_/diffult/cifar10lt-jpg_cpu.py. Same schedule as the CE arm; the
# proxy has 16,870 images, so 36 % more iterations than CE: read it against
# the oversampling control (diffult-control_*), which has the same.
_base_ = [
    './ce_resnet32_cifar10lt-jpg.py',
    '../_base_/diffult/cifar10lt-jpg_cpu.py',
]

model = dict(head=dict(type='WeightedLinearClsHead'))

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

custom_hooks = [
    _base_.diffult_synthesis,
    dict(type='TrainClassCountsHook'),
]
