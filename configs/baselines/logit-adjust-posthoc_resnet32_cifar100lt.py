# Post-hoc logit adjustment (Menon et al., ICLR 2021): a CE model predicts
# argmax z - tau log pi (tau = 1). Training with this config trains plain CE
# (its validation is adjusted); usually it evaluates a CE checkpoint:
#   python tools/test.py configs/baselines/logit-adjust-posthoc_resnet32_cifar100lt.py \
#       work_dirs/ce_resnet32_cifar100lt/epoch_200.pth
# The prior comes from the checkpoint or, for plain CE checkpoints, from the
# test set's training class counts (TrainClassCountsHook). Tune tau on a
# validation split, not on the test set.
_base_ = [
    '../_base_/models/resnet32_cifar_ce.py',
    '../_base_/datasets/cifar100lt_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_bbn.py',
    '../_base_/default_runtime.py',
]
model = dict(
    head=dict(type='WeightedLinearClsHead', num_classes=100, posthoc_tau=1.0))
custom_hooks = [
    # Class priors from the training set; the epoch for DRW-style stages.
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
