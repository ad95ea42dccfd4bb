# APA / AGLU on the CPU protocol: real CIFAR-10-LT IF100 from the JPEG
# folder, 20 epochs at batch 128 on 2 cores (the CE arm's data and length).
# The method's recipe compressed 25x: 1 warm-up epoch, cosine to 0 at epoch
# 20, lr 0.2 scaled to batch 128 (0.05), AutoAugment + Mixup 0.2, the
# inverse-image-frequency correction at test.
#
#   export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
#   python tools/train.py configs/baselines/aglu-se_resnet32_cifar10lt-jpg_cpu-20e.py
_base_ = [
    '../_base_/models/aglu-se_resnet32_cifar.py',
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/schedules/cifar_bs512_500e_aglu.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(channels_last=True), head=dict(num_classes=10))
train_dataloader = dict(
    dataset=dict(
        dataset=dict(pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='RandomCrop', crop_size=32, padding=4),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='CIFAR10AutoAugment', to_rgb=True),  # BGR JPEGs
            dict(type='PackInputs'),
        ])))
optim_wrapper = dict(optimizer=dict(lr=0.05))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2),
    dict(type='CosineAnnealingLR', T_max=18, eta_min=0.0, by_epoch=True,
         begin=2, end=20),
]
train_cfg = dict(max_epochs=20, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5))
custom_hooks = [dict(type='TrainClassCountsHook')]
