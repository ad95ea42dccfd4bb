# Balanced Softmax (Ren et al., NeurIPS 2020): CE on z + log n_y in training,
# plain logits at test time. ResNet-32 on CIFAR-10-LT IF100, the BBN recipe of
# the CE baseline.
_base_ = [
    '../_base_/models/resnet32_cifar_ce.py',
    '../_base_/datasets/cifar10lt_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_bbn.py',
    '../_base_/default_runtime.py',
]
model = dict(
    head=dict(
        type='WeightedLinearClsHead',
        num_classes=10, loss=dict(type='BalancedSoftmaxLoss')))
custom_hooks = [
    # Class priors from the training set; the epoch for DRW-style stages.
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
