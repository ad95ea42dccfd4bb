# CPU protocol v2, SHIKE arm (Jin et al., CVPR 2023): the SHIKE ResNet-32
# (3 experts with depth-wise knowledge fusion, cosine classifiers) and its
# DKT loss on the protocol's one schedule. What defines the method is kept
# at the same relative point: stage 2 (Balanced-Softmax re-training of the
# second classifier set, everything else frozen) from epoch 27 of 30, as
# from 180 of SHIKE's 200, restarted at SHIKE's stage-2 lr 0.05 and then
# annealed by the protocol's cosine (chained, so it reaches 0 at epoch 30).
# SHIKE's warm-up, lr 0.15, wd 5e-4, AutoAugment and Cutout are the recipe's
# and give way to the protocol's.
_base_ = [
    '../_base_/models/shike-3exp_resnet32_cifar.py',
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/schedules/cpu-protocol-v2_sgd_30e_cosine.py',
    '../_base_/default_runtime.py',
]
shike_stage2_epoch = 27
model = dict(
    backbone=dict(channels_last=True),
    head=dict(num_classes=10, retrain_epoch=shike_stage2_epoch))
default_hooks = dict(checkpoint=dict(interval=10))
custom_hooks = [
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
    dict(
        type='ClassifierRetrainHook',
        begin_epoch=shike_stage2_epoch,
        trainable=('head.rt_classifiers', ),
        lr=0.05),
]
