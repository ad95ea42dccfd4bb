# RIDE (Wang et al., ICLR 2021), 3 experts, ResNet-32 on CIFAR-100-LT IF100,
# its CIFAR recipe: 200 epochs, SGD Nesterov lr 0.1, wd 5e-4, warm-up 5,
# x0.01 at 160 and 180, crop + flip + rotation by up to 15 degrees.
# Published (CIFAR-100-LT, 3 experts): 48.0 without the router, 48.6 with it
# (ride-ea_resnet32_cifar100lt.py).
_base_ = [
    '../_base_/models/ride-3exp_resnet32_cifar.py',
    '../_base_/datasets/cifar100lt_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_ride.py',
    '../_base_/default_runtime.py',
]
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='RandomCrop', crop_size=32, padding=4),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='NumpyToPIL'),
        dict(type='torchvision/RandomRotation', degrees=15),
        dict(type='PILToNumpy'),
        dict(type='PackInputs'),
    ]))
custom_hooks = [
    # Class priors from the training set; the epoch for DRW-style stages.
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
