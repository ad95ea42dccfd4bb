# CPU protocol v2, APA / AGLU arm (Alexandridis et al., ECCV 2024): the
# SE-ResNet-32 with AGLU activations and APA-gated SE blocks, the cosine
# classifier on squashed features, Mixup 0.2 and the inverse-image-frequency
# correction at test (what defines the method), on the protocol's one
# schedule; the recipe's batch 512, lr 0.2 and AutoAugment give way to the
# protocol's.
_base_ = [
    '../_base_/models/aglu-se_resnet32_cifar.py',
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/schedules/cpu-protocol-v2_sgd_30e_cosine.py',
    '../_base_/default_runtime.py',
]
model = dict(backbone=dict(channels_last=True), head=dict(num_classes=10))
default_hooks = dict(checkpoint=dict(interval=10))
custom_hooks = [dict(type='TrainClassCountsHook')]
