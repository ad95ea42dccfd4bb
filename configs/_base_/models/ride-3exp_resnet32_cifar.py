# RIDE (Wang et al., ICLR 2021), CIFAR: ResNet-32 with 3 experts of reduced
# width (24 / 48 channels), cosine classifiers (s = 30), the RIDE loss
# (LDAM-DRW per expert, diversity factor -0.45, DRW from epoch 160).
# 0.78 M parameters with 100 classes.
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='RIDEResNet', depth=32, num_experts=3, reduce_dimension=True),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='MultiExpertClsHead',
        num_classes=100,
        in_channels=48,
        num_experts=3,
        classifier='cosine',
        scale=30.0,
        loss=dict(
            type='RIDELoss',
            max_margin=0.5,
            scale=30.0,
            diversity_factor=-0.45,
            base_temperature=1.0,
            temperature_reweight=0.05,
            reweight_epoch=160)))
