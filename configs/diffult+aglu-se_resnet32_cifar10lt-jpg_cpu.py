# DiffuLT + APA / AGLU on the CPU protocol (real CIFAR-10-LT JPEGs, 2 cores):
# the proxy of diffult_resnet32_cifar10lt-jpg_cpu.py and
# baselines/aglu-se_resnet32_cifar10lt-jpg_cpu-20e.py, Mixup included (the
# DiffuLT weights are mixed with the targets, see
# diffult+aglu-se_resnet32_cifar10lt.py).
_base_ = [
    './baselines/aglu-se_resnet32_cifar10lt-jpg_cpu-20e.py',
    './_base_/diffult/cifar10lt-jpg_cpu.py',
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
