# SHIKE (Jin et al., CVPR 2023), CIFAR: ResNet-32 (projection shortcuts),
# shared stages 1-2, 3 expert last stages fused with stage 1 / 2 / 1
# (Depth-wise Knowledge Fusion), cosine classifiers (s = 30), the Dynamic
# Knowledge Transfer loss; from epoch 180 a second classifier set is
# re-trained with Balanced Softmax. 1.28 M parameters with 100 classes.
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='SHIKEResNet',
        depth=32,
        num_experts=3,
        fusion_stages=(0, 1, 0),
        shortcut='B'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='MultiExpertClsHead',
        num_classes=100,
        in_channels=64,
        num_experts=3,
        classifier='cosine',
        scale=30.0,
        loss=dict(type='SHIKELoss', kd_weight=10.0, mutual_weight=1.0),
        retrain_epoch=180,
        retrain_loss=dict(type='BalancedSoftmaxLoss')))
# Each stage leaves one classifier set without gradients.
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
