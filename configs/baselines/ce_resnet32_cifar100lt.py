# Plain cross-entropy ResNet-32 on CIFAR-100-LT IF100, BBN 200-epoch recipe.
# This is also DiffuLT's phi0 (the feature extractor). Published: 38.3
# (DiffuLT Table 7; Many / Med / Few 65.2 / 37.1 / 9.1).
_base_ = [
    '../_base_/models/resnet32_cifar_ce.py',
    '../_base_/datasets/cifar100lt_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_bbn.py',
    '../_base_/default_runtime.py',
]
