# DeiT-LT (Rangwani et al., CVPR 2024) at CPU scale: a 4-layer distilled ViT
# (embedding 128, 4 heads, patch 4 on 32x32 images: 64 patches plus the
# class and distillation tokens, about 0.56 M parameters) taught by a
# ResNet-32 on the same augmented batches. The paper's student is
# DeiT-B/16 at 224 px (deit-lt_deit-base-p16_cifar100lt.py).
model = dict(
    type='DeiTLTClassifier',
    # The teacher: a CNN trained on the long-tailed set (set both).
    teacher_config=None,
    teacher_checkpoint=None,
    teacher_size=32,
    backbone=dict(
        type='DistilledVisionTransformer',
        arch=dict(
            embed_dims=128,
            num_layers=4,
            num_heads=4,
            feedforward_channels=256),
        img_size=32,
        patch_size=4,
        drop_path_rate=0.1),
    neck=None,
    head=dict(
        type='DeiTLTClsHead',
        num_classes=100,
        in_channels=128,
        distill_weight=0.5,
        loss=dict(
            type='LabelSmoothLoss', label_smooth_val=0.1, mode='original')),
    init_cfg=[
        dict(type='TruncNormal', layer='Linear', std=.02),
        dict(type='Constant', layer='LayerNorm', val=1., bias=0.),
    ],
    train_cfg=dict(augments=[
        dict(type='Mixup', alpha=0.8),
        dict(type='CutMix', alpha=1.0),
    ]))
