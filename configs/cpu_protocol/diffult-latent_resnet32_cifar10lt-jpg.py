# CPU protocol v2, latent DiffuLT arm: the DiffuLT arm (same proxy, omega,
# filter, classifier and schedule) with the latent generator and the CE arm's
# recipe as phi0 (stages in ../_base_/diffult/cifar10lt-jpg_cpu-latent.py).
# The v2 combinations (diffult+<method>_*) train on this arm's proxy.
_base_ = [
    './ce_resnet32_cifar10lt-jpg.py',
    '../_base_/diffult/cifar10lt-jpg_cpu-latent.py',
]

model = dict(head=dict(type='WeightedLinearClsHead'))

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

custom_hooks = [
    _base_.diffult_synthesis,
    dict(type='TrainClassCountsHook'),
]
