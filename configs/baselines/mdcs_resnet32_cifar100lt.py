# MDCS (Zhao et al., ICCV 2023), 3 experts, ResNet-32 on CIFAR-100-LT IF100,
# its CIFAR recipe: every image in two views, weak (crop + flip + rotation
# by up to 15 degrees) and strong (crop + flip + AutoAugment CIFAR-10 policy
# + Cutout 16), batch 64, 400 epochs. Published (CIFAR-100-LT): 56.1.
_base_ = [
    '../_base_/models/mdcs-3exp_resnet32_cifar.py',
    '../_base_/datasets/cifar100lt_bs128.py',
    '../_base_/schedules/cifar_bs64_400e_mdcs.py',
    '../_base_/default_runtime.py',
]
data_preprocessor = dict(type='MultiViewClsDataPreprocessor')
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
    dict(type='CIFAR10AutoAugment'),
    # Cutout after normalisation fills 0, i.e. the mean colour.
    dict(type='Cutout', shape=16, prob=1.0, pad_val=(125, 123, 114)),
]
train_dataloader = dict(
    batch_size=64,
    dataset=dict(pipeline=[
        dict(type='MultiView', num_views=[1, 1],
             transforms=[weak_view, strong_view]),
        dict(type='PackInputs'),
    ]))
custom_hooks = [
    # Class priors for the experts' shifts; the epoch for the L_CS ramp.
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
