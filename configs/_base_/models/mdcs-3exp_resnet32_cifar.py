# MDCS (Zhao et al., ICCV 2023), CIFAR: RIDE's ResNet-32 with 3 experts of
# reduced width (24 / 48), cosine classifiers (s = 30), the MDCS loss
# (prior-shifted experts lambda = -0.5 / 1 / 2.5, consistency
# self-distillation weight 0.6 ramped over 20 epochs, T = 1). Training
# batches hold a weak and a strong view of each image (the method config's
# pipeline and MultiViewClsDataPreprocessor).
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
            type='MDCSLoss',
            prior_factors=(-0.5, 1.0, 2.5),
            consistency_weight=0.6,
            consistency_warmup=20,
            temperature=1.0)))
