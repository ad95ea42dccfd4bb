# ResNet-32 with a cosine classifier (s = 30) and LDAM-DRW (Cao et al.,
# NeurIPS 2019): margins up to 0.5, class-balanced weights (beta 0.9999)
# from epoch 160 of 200.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=32),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='CosineClsHead',
        num_classes=100,
        in_channels=64,
        scale=30.0,
        loss=dict(
            type='LDAMLoss',
            max_margin=0.5,
            scale=30.0,
            class_weighting='effective_number',
            beta=0.9999,
            reweight_epoch=160)))
