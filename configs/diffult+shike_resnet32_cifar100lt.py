# DiffuLT + SHIKE, 3 experts (both stages weight synthetic samples by omega)
# on CIFAR-100-LT IF100: the balanced proxy of diffult_resnet32_cifar100lt.py
# (same phi0, generator and bank) and the classifier recipe of
# baselines/shike_resnet32_cifar100lt.py.
_base_ = [
    './baselines/shike_resnet32_cifar100lt.py',
    './_base_/diffult/cifar100lt.py',
]

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

# The synthesis hook, then the classifier recipe's own hooks.
custom_hooks = [_base_.diffult_synthesis, *_base_.custom_hooks]
