# DiffuLT + Balanced Softmax (its prior is the proxy's class counts, nearly flat
# when N_t fills every class)
# on CIFAR-10-LT IF100: the balanced proxy of diffult_resnet32_cifar10lt.py
# (same phi0, generator and bank) and the classifier recipe of
# baselines/balanced-softmax_resnet32_cifar10lt.py.
_base_ = [
    './baselines/balanced-softmax_resnet32_cifar10lt.py',
    './_base_/diffult/cifar10lt.py',
]

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

# The synthesis hook, then the classifier recipe's own hooks.
custom_hooks = [_base_.diffult_synthesis, *_base_.custom_hooks]
