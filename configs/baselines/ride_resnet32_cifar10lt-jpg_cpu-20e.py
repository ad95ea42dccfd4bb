# RIDE (3 experts) on the CPU protocol: real CIFAR-10-LT IF100 from the JPEG
# folder, 20 epochs on 2 cores. RIDE's recipe compressed 10x like
# ce_resnet32_cifar10lt-jpg_cpu-20e.py: warm-up over epochs 0-1, lr x0.01 at
# epochs 16 and 18, DRW (class weights and per-class diversity
# temperatures) from epoch 16.
#
#   export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
#   python tools/train.py configs/baselines/ride_resnet32_cifar10lt-jpg_cpu-20e.py
_base_ = [
    '../_base_/models/ride-3exp_resnet32_cifar.py',
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_ride.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(channels_last=True),
    head=dict(num_classes=10, loss=dict(reweight_epoch=16)))
train_dataloader = dict(
    dataset=dict(
        dataset=dict(pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='RandomCrop', crop_size=32, padding=4),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='NumpyToPIL'),
            dict(type='torchvision/RandomRotation', degrees=15),
            dict(type='PILToNumpy'),
            dict(type='PackInputs'),
        ])))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.5, by_epoch=True, begin=0, end=2),
    dict(type='MultiStepLR', by_epoch=True, milestones=[16, 18], gamma=0.01),
]
train_cfg = dict(max_epochs=20, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5))
custom_hooks = [
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
