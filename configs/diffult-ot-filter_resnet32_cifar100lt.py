# diffult_resnet32_cifar100lt.py with the optimal-transport filter in place of the
# phi0-distance filter (_base_/diffult/cifar100lt_ot-filter.py); the
# filters are compared on the same candidates by
# benchmarks/filter_comparison.py.
_base_ = [
    './baselines/ce_resnet32_cifar100lt.py',
    './_base_/diffult/cifar100lt_ot-filter.py',
]

model = dict(head=dict(type='WeightedLinearClsHead'))

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

custom_hooks = [
    _base_.diffult_synthesis,
    # Class priors of long-tail losses follow the proxy.
    dict(type='TrainClassCountsHook'),
]
