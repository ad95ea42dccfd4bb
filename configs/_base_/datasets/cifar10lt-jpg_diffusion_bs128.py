# CIFAR-10-LT IF100 from the CIFAR-10 JPEG folder, for training the
# generator (see cifar10lt-jpg_bs128.py for the data root).
data_root = '{{$DIFFULT_CIFAR10_JPG:data/cifar10-jpg}}'
num_classes = 10

train_dataloader = dict(
    batch_size=128,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    dataset=dict(
        type='LongTailDataset',
        imbalance_factor=100,
        dataset=dict(
            type='CustomDataset',
            data_root=data_root,
            data_prefix='train',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='RandomFlip', prob=0.5, direction='horizontal'),
                dict(type='PackInputs'),
            ])),
    sampler=dict(type='InfiniteSampler', shuffle=True),
)
real_dataset = dict(
    type='LongTailDataset',
    imbalance_factor=100,
    dataset=dict(
        type='CustomDataset',
        data_root=data_root,
        data_prefix='train',
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='PackInputs')]))

val_dataloader = dict(
    batch_size=250,
    num_workers=0,
    dataset=dict(type='ClassLabelDataset', num_classes=num_classes,
                 per_class=100),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
