# DiffuLT + the logit-adjusted loss (tau = 1; the prior is the proxy's)
# on CIFAR-10-LT IF100: the balanced proxy of diffult_resnet32_cifar10lt.py
# (same phi0, generator and bank) and the classifier recipe of
# baselines/logit-adjust_resnet32_cifar10lt.py.
_base_ = [
    './baselines/logit-adjust_resnet32_cifar10lt.py',
    './_base_/diffult/cifar10lt.py',
]

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

# The synthesis hook, then the classifier recipe's own hooks.
custom_hooks = [_base_.diffult_synthesis, *_base_.custom_hooks]
