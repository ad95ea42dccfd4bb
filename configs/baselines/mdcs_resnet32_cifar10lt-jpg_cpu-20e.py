# MDCS (3 experts) on the CPU protocol: real CIFAR-10-LT IF100 from the JPEG
# folder, 20 epochs on 2 cores, batch 128 of two views each. The recipe
# compressed 20x: warm-up over epochs 0-1, lr x0.1 at epochs 10, 16 and 19;
# the consistency weight ramps over the first epoch.
#
#   export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
#   python tools/train.py configs/baselines/mdcs_resnet32_cifar10lt-jpg_cpu-20e.py
_base_ = [
    '../_base_/models/mdcs-3exp_resnet32_cifar.py',
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/schedules/cifar_bs64_400e_mdcs.py',
    '../_base_/default_runtime.py',
]
data_preprocessor = dict(type='MultiViewClsDataPreprocessor')
model = dict(
    backbone=dict(channels_last=True),
    head=dict(num_classes=10, loss=dict(consistency_warmup=1)))
weak_view = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='NumpyToPIL'),
    dict(type='torchvision/RandomRotation', degrees=15),
    dict(type='PILToNumpy'),
]
strong_view = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='CIFAR10AutoAugment', to_rgb=True),  # BGR JPEGs
    dict(type='Cutout', shape=16, prob=1.0, pad_val=(114, 123, 125)),
]
train_dataloader = dict(
    batch_size=128,
    dataset=dict(
        dataset=dict(pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='MultiView', num_views=[1, 1],
                 transforms=[weak_view, strong_view]),
            dict(type='PackInputs'),
        ])))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.5, by_epoch=True, begin=0, end=2),
    dict(type='MultiStepLR', by_epoch=True, milestones=[10, 16, 19],
         gamma=0.1),
]
train_cfg = dict(max_epochs=20, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5))
auto_scale_lr = dict(base_batch_size=128)
custom_hooks = [
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
