# diffult_resnet32_cifar10lt-jpg_cpu.py with the optimal-transport filter in
# place of the phi0-distance filter
# (_base_/diffult/cifar10lt-jpg_cpu_ot-filter.py); the filters are compared
# on the same candidates by
# benchmarks/filter_comparison.py.
_base_ = [
    './baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py',
    './_base_/diffult/cifar10lt-jpg_cpu_ot-filter.py',
]

model = dict(head=dict(type='WeightedLinearClsHead'))

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

custom_hooks = [
    _base_.diffult_synthesis,
    dict(type='TrainClassCountsHook'),
]
