# CPU protocol v2, MDCS arm (Zhao et al., ICCV 2023): RIDE's 3-expert
# ResNet-32 with prior-shifted experts and consistency self-distillation on
# the protocol's one schedule. What defines the method is kept: each image
# gives a weak and a strong view; the weak view is the protocol's
# augmentation (crop + flip, as every arm), the strong one adds MDCS's
# AutoAugment and Cutout; the consistency weight ramps over the first 2
# epochs (5 % of the run, as 20 of MDCS's 400). MDCS's batch 64, lr 0.05
# and step schedule give way to the protocol's (batch 128 images, each
# two views).
_base_ = [
    '../_base_/models/mdcs-3exp_resnet32_cifar.py',
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/schedules/cpu-protocol-v2_sgd_30e_cosine.py',
    '../_base_/default_runtime.py',
]
data_preprocessor = dict(type='MultiViewClsDataPreprocessor')
model = dict(
    backbone=dict(channels_last=True),
    head=dict(num_classes=10, loss=dict(consistency_warmup=2)))
weak_view = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
strong_view = weak_view + [
    dict(type='CIFAR10AutoAugment', to_rgb=True),  # BGR JPEGs
    dict(type='Cutout', shape=16, prob=1.0, pad_val=(114, 123, 125)),
]
train_dataloader = dict(
    dataset=dict(
        dataset=dict(pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='MultiView', num_views=[1, 1],
                 transforms=[weak_view, strong_view]),
            dict(type='PackInputs'),
        ])))
default_hooks = dict(checkpoint=dict(interval=10))
custom_hooks = [
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
