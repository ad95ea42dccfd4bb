# CIFAR-100-LT (IF 100, LDAM-DRW / RIDE protocol, seed 0), batch 128.
# The data root holds `cifar-100-python/` (official python version;
# downloaded by torchvision when missing and a network is there). Set it with the
# environment variable DIFFULT_CIFAR_ROOT (default: data/cifar).
dataset_type = 'CIFAR100LT'
data_root = '{{$DIFFULT_CIFAR_ROOT:data/cifar}}'
imbalance_factor = 100

data_preprocessor = dict(
    num_classes=100,
    # CIFAR mean / std (RGB, 0-255) of the BBN / LDAM code.
    mean=[125.307, 122.961, 113.8575],
    std=[51.5865, 50.847, 51.255],
    to_rgb=False)  # the pickles are RGB already

train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=128,
    num_workers=2,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        imbalance_factor=imbalance_factor,
        download=True,
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=2,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        # Only tells the metrics the training counts; the test set is balanced.
        imbalance_factor=imbalance_factor,
        download=True,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = [
    dict(type='LongTailAccuracy'),
    dict(type='ExpectedCalibrationError', num_bins=15),
]
test_dataloader = val_dataloader
test_evaluator = val_evaluator
