# DiffuLT + APA / AGLU on CIFAR-100-LT IF100: the balanced proxy of
# diffult_resnet32_cifar100lt.py (same phi0, generator and bank) and the whole
# SE-ResNet-32 / AGLU / Mixup / IIF recipe of
# baselines/aglu-se_resnet32_cifar100lt.py.
# SampleWeightedClsDataPreprocessor mixes the DiffuLT weights with the
# targets, so each image of a Mixup pair counts with its own omega.
_base_ = [
    './baselines/aglu-se_resnet32_cifar100lt.py',
    './_base_/diffult/cifar100lt.py',
]
data_preprocessor = dict(type='SampleWeightedClsDataPreprocessor')

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

# IIF at test removes the real long-tailed prior, not the proxy's: the proxy
# model still carries the real imbalance (benchmarks/RESULTS.md, DiffuLT +
# APA / AGLU: 49.15 with the proxy's prior, 60.40 with the real one).
custom_hooks = [
    _base_.diffult_synthesis,
    dict(type='TrainClassCountsHook', posthoc_counts_key='real_class_counts'),
]
