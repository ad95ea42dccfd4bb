# SE-ResNet-32 with AGLU activations and APA-gated SE blocks (Alexandridis
# et al., ECCV 2024; official CIFAR model `se_resnet32 --use_gumbel_se`):
# AGLU replaces the stem ReLU and both ReLUs of every block; the SE gate is
# APA (ratio 4, layer-normalised input, dropout 0.1, no biases). Cosine
# classifier with scale 16 on features squashed by ||f|| / (1 + ||f||) (the
# official CosNorm_Classifier), CE on Mixup's soft targets in training, the inverse-image-
# frequency correction log((N - n_c) / n_c) at test.
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='CifarResNet',
        depth=32,
        act_cfg=dict(type='AGLU'),
        se_cfg=dict(
            ratio=4,
            # The official SE gate draws kappa from U(-1, 0).
            gate_cfg=dict(type='APA', kappa_init=(-1.0, 0.0)),
            layer_norm=True,
            dropout=0.1)),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='CosineClsHead',
        num_classes=100,
        in_channels=64,
        scale=16.0,
        feature_norm='squash',
        posthoc_tau=1.0,
        posthoc_type='iif',
        loss=dict(type='CrossEntropyLoss', use_soft=True)),
    train_cfg=dict(augments=dict(type='Mixup', alpha=0.2)))
