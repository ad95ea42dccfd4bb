# CIFAR-10-LT IF100 from the JPEG folder (cifar10lt-jpg_bs128.py) with
# SIMULATED meta-information per image (place and month; CIFAR has none):
# benchmarks/simulated_metadata.py writes the CSV, DIFFULT_SIM_META points
# at it. Each sample gets `meta` (MetaFormer's 7-d spatio-temporal vector)
# and `meta_mask`, packed into its data sample.
_base_ = ['./cifar10lt-jpg_bs128.py']

meta_file = '{{$DIFFULT_SIM_META:work_dirs/simulated_meta/cifar10-jpg.csv}}'
meta_keys = ('meta', 'meta_mask')

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs', algorithm_keys=meta_keys),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='PackInputs', algorithm_keys=meta_keys),
]
meta_dataset = dict(
    type='WithMetadata',
    meta_file=meta_file,
    columns=['latitude', 'longitude', 'month'],
    encoding='spatiotemporal',
    image_root={{_base_.data_root}})

train_set = dict(
    type='LongTailDataset',
    imbalance_factor={{_base_.imbalance_factor}},
    dataset=dict(
        type='CustomDataset', data_root={{_base_.data_root}},
        data_prefix='train', pipeline=train_pipeline))

train_dataloader = dict(
    dataset=dict(_delete_=True, dataset=train_set, **meta_dataset))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        dataset=dict(
            type='LongTailDataset',
            imbalance_factor=None,
            class_counts_from=train_set,
            dataset=dict(
                type='CustomDataset', data_root={{_base_.data_root}},
                data_prefix='test', pipeline=test_pipeline)),
        **meta_dataset))
test_dataloader = val_dataloader
