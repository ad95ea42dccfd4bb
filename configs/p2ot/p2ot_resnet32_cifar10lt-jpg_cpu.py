# P2OT deep imbalanced clustering (Zhang et al., ICLR 2024) on CIFAR-10-LT
# IF100 from the CIFAR-10 JPEG folder, CPU-sized: a ResNet-32 from scratch
# with a 10-cluster P2OT head, two SimCLR-style views per image, the labels
# hidden from training (the loss never reads them; they only score the
# clustering: Hungarian accuracy, NMI, ARI, head / medium / tail). The
# P2OT code trains the last block of a DINO ViT-B/16 for 50 epochs; this
# 30-epoch from-scratch run is what 2 CPU cores allow. Not yet measured.
#
#   export DIFFULT_CIFAR10_JPG=<the CIFAR-10 JPEG folder>
#   python tools/train.py configs/p2ot/p2ot_resnet32_cifar10lt-jpg_cpu.py
_base_ = [
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/default_runtime.py',
]
view = [
    dict(type='mmpretrain.RandomResizedCrop', scale=32,
         crop_ratio_range=(0.35, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomApply', prob=0.8, transforms=[
        # No hue jitter: mmpretrain 1.2's hue shift overflows uint8 under
        # numpy 2.
        dict(type='mmpretrain.ColorJitter', brightness=0.4, contrast=0.4,
             saturation=0.4)]),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True),
]
train_dataloader = dict(dataset=dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=2, transforms=[view]),
    dict(type='PackInputs'),
])))
# Clustering is scored on the images it clustered (the long-tailed set).
val_dataloader = dict(dataset=dict(
    _delete_=True, type='LongTailDataset', imbalance_factor=100,
    dataset=dict(type='CustomDataset',
                 data_root={{_base_.data_root}}, data_prefix='train',
                 pipeline={{_base_.test_pipeline}})))
val_evaluator = [dict(type='ClusteringAccuracy', num_clusters=10)]
test_dataloader = val_dataloader
test_evaluator = val_evaluator
data_preprocessor = dict(type='MultiViewClsDataPreprocessor', num_classes=10)
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=32, channels_last=True),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='P2OTClusterHead', in_channels=64, num_clusters=10,
              bank_size=1280, rho0=0.1, epsilon=0.1, marginal_weight=1.0))
optim_wrapper = dict(optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=30, T_max=30,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=10)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(checkpoint=dict(interval=10))
