# CIFAR-10-LT (IF 100, LDAM-DRW / RIDE protocol, seed 0) built from the
# CIFAR-10 JPEG folder tree `<root>/{train,test}/<class>/<n>.jpg`
# (README, "Data"). Set the root with the environment
# variable DIFFULT_CIFAR10_JPG (default: data/cifar10-jpg).
data_root = '{{$DIFFULT_CIFAR10_JPG:data/cifar10-jpg}}'
imbalance_factor = 100

data_preprocessor = dict(
    num_classes=10,
    mean=[125.307, 122.961, 113.8575],
    std=[51.5865, 50.847, 51.255],
    to_rgb=True)  # images are decoded as BGR

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]

train_set = dict(
    type='LongTailDataset',
    imbalance_factor=imbalance_factor,
    dataset=dict(
        type='CustomDataset', data_root=data_root, data_prefix='train',
        pipeline=train_pipeline))

train_dataloader = dict(
    batch_size=128,
    num_workers=2,
    dataset=train_set,
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=2,
    dataset=dict(
        type='LongTailDataset',
        imbalance_factor=None,  # the test set stays balanced
        class_counts_from=train_set,  # training counts for Many/Med/Few
        dataset=dict(
            type='CustomDataset', data_root=data_root, data_prefix='test',
            pipeline=test_pipeline)),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = [
    dict(type='LongTailAccuracy'),
    dict(type='ExpectedCalibrationError', num_bins=15),
]
test_dataloader = val_dataloader
test_evaluator = val_evaluator
