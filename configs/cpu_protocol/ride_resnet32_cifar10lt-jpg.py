# CPU protocol v2, RIDE arm (Wang et al., ICLR 2021): 3 experts of reduced
# width, the RIDE loss (LDAM margins per expert, diversity, per-class
# temperatures) on the protocol's one schedule. What defines the method is
# kept and rescaled to the same relative point: DRW (class re-weighting and
# the diversity temperatures) from epoch 24 of 30, as from 160 of RIDE's 200.
# RIDE's own step schedule and rotation augmentation are the recipe's, not
# the method's, and give way to the protocol's.
_base_ = [
    '../_base_/models/ride-3exp_resnet32_cifar.py',
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/schedules/cpu-protocol-v2_sgd_30e_cosine.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(channels_last=True),
    head=dict(num_classes=10, loss=dict(reweight_epoch=24)))
default_hooks = dict(checkpoint=dict(interval=10))
custom_hooks = [
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
