# CIFAR-10-LT IF100 for training the generator: horizontal flip only,
# images scaled to [-1, 1] by the model's preprocessor, infinite sampler.
data_root = '{{$DIFFULT_CIFAR_ROOT:data/cifar}}'
num_classes = 10

train_dataloader = dict(
    batch_size=128,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,  # as the CBDM code
    dataset=dict(
        type='CIFAR10LT',
        data_root=data_root,
        split='train',
        imbalance_factor=100,
        download=True,
        pipeline=[
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='PackInputs'),
        ]),
    sampler=dict(type='InfiniteSampler', shuffle=True),
)
# The real set without augmentation: phi0 statistics (d_f) and real features.
real_dataset = dict(
    type='CIFAR10LT',
    data_root=data_root,
    split='train',
    imbalance_factor=100,
    download=True,
    pipeline=[dict(type='PackInputs')])

# Validation generates `per_class` images of every class and scores them.
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    dataset=dict(type='ClassLabelDataset', num_classes=num_classes,
                 per_class=1000),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
