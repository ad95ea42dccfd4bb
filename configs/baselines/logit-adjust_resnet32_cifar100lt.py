# Logit-adjusted loss (Menon et al., ICLR 2021): CE on z + tau log pi_y,
# tau = 1. ResNet-32 on CIFAR-100-LT IF100, the BBN recipe of the CE baseline.
_base_ = [
    '../_base_/models/resnet32_cifar_ce.py',
    '../_base_/datasets/cifar100lt_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_bbn.py',
    '../_base_/default_runtime.py',
]
model = dict(
    head=dict(
        type='WeightedLinearClsHead',
        num_classes=100, loss=dict(type='LogitAdjustedLoss', tau=1.0)))
custom_hooks = [
    # Class priors from the training set; the epoch for DRW-style stages.
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
