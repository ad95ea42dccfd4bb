# P2OT at CPU size (configs/p2ot/*_cpu.py): a ResNet-32 from scratch with a
# P2OT cluster head, two SimCLR-style views per image (`p2ot_view`, for the
# child's MultiView), Adam 5e-4, cosine over 30 epochs. (The P2OT code
# trains the last block of a DINO ViT-B/16 for 50 epochs: 2 CPU cores do
# not.) A child sets the data, the cluster count, the views' pipeline and
# the MultiViewClsDataPreprocessor (the data bases hold the preprocessor).
p2ot_view = [
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
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=32, channels_last=True),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='P2OTClusterHead', in_channels=64, bank_size=1280,
              rho0=0.1, epsilon=0.1, marginal_weight=1.0))
optim_wrapper = dict(optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=30, T_max=30,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=10)
val_cfg = dict()
test_cfg = dict()
