# SHIKE (3 experts) on the CPU protocol: real CIFAR-10-LT IF100 from the
# JPEG folder, 20 epochs on 2 cores. SHIKE's recipe compressed 10x: stage 1
# (DKT loss) epochs 0-17 with warm-up over epochs 0-1 and cosine decay,
# stage 2 (Balanced-Softmax re-training of the second classifier set)
# epochs 18-19, lr 0.05 -> 0.1.
#
#   export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
#   python tools/train.py configs/baselines/shike_resnet32_cifar10lt-jpg_cpu-20e.py
_base_ = [
    '../_base_/models/shike-3exp_resnet32_cifar.py',
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_shike.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(channels_last=True),
    head=dict(num_classes=10, retrain_epoch=18))
train_dataloader = dict(
    dataset=dict(
        dataset=dict(pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='RandomCrop', crop_size=32, padding=4),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='CIFAR10AutoAugment', to_rgb=True),  # BGR JPEGs
            dict(type='Cutout', shape=16, prob=1.0, pad_val=(114, 123, 125)),
            dict(type='PackInputs'),
        ])))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.5, by_epoch=True, begin=0, end=2),
    dict(type='CosineAnnealingLR', T_max=16, eta_min=0.0, by_epoch=True,
         begin=2, end=18),
    dict(type='LinearLR', start_factor=0.5, by_epoch=True, begin=18,
         end=20),
]
train_cfg = dict(max_epochs=20, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5))
custom_hooks = [
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
    dict(
        type='ClassifierRetrainHook',
        begin_epoch=18,
        trainable=('head.rt_classifiers', ),
        lr=0.05),
]
