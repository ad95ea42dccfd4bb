# tau-normalised classifier (Kang et al., ICLR 2020): at test time the
# classifier rows become w_c / ||w_c|| ** tau (no bias). Evaluates a CE
# checkpoint:
#   python tools/test.py configs/baselines/tau-norm_resnet32_cifar10lt.py \
#       work_dirs/ce_resnet32_cifar10lt/epoch_200.pth
# tau = 1 is a starting point; tune it on a validation split.
_base_ = [
    '../_base_/models/resnet32_cifar_ce.py',
    '../_base_/datasets/cifar10lt_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_bbn.py',
    '../_base_/default_runtime.py',
]
model = dict(
    head=dict(type='WeightedLinearClsHead', num_classes=10, tau_norm=1.0))
custom_hooks = [
    # Class priors from the training set; the epoch for DRW-style stages.
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
