# LDAM-DRW (Cao et al., NeurIPS 2019), ResNet-32 with a cosine classifier
# on CIFAR-100-LT IF100, its own 200-epoch recipe (DRW from epoch 160).
_base_ = [
    '../_base_/models/resnet32_cifar_ldam-drw.py',
    '../_base_/datasets/cifar100lt_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_ldam.py',
    '../_base_/default_runtime.py',
]
custom_hooks = [
    # Class priors from the training set; the epoch for DRW-style stages.
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
