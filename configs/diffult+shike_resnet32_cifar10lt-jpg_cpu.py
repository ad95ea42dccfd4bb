# DiffuLT + SHIKE, 3 experts (both stages weight synthetic samples by omega)
# on the CPU protocol (real CIFAR-10-LT JPEGs, 2 cores): the proxy of
# diffult_resnet32_cifar10lt-jpg_cpu.py and baselines/shike_resnet32_cifar10lt-jpg_cpu-20e.py.
_base_ = [
    './baselines/shike_resnet32_cifar10lt-jpg_cpu-20e.py',
    './_base_/diffult/cifar10lt-jpg_cpu.py',
]

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

# The synthesis hook, then the classifier recipe's own hooks.
custom_hooks = [_base_.diffult_synthesis, *_base_.custom_hooks]
