# MetaFormer (Diao et al., arXiv 2203.02751) at CPU size: the hybrid
# MBConv + transformer backbone (MetaFG 'cifar-tiny', 0.65 M parameters,
# a stride-2 stem for 32x32 images: MBConv stages at 16x16 and 8x8,
# transformer stages at 4x4 and 2x2) with the place and month of each
# image as two meta tokens in every transformer stage, on CIFAR-10-LT IF100
# with SIMULATED metadata (benchmarks/simulated_metadata.py). Meta masked
# for a share 1 - epoch/30 of each batch (the code's linear schedule).
# The vision-only pair is metafg-tiny_cifar10lt-jpg_cpu.py (same network
# without meta tokens, same schedule).
#
# Schedule: AdamW (the MetaFormer code's optimiser; lr 1e-3 for batch 128
# from scratch, wd 0.05, 2 warm-up epochs, cosine) over the protocol's 30
# epochs; the CPU protocol's SGD recipe is a ResNet recipe. Not tuned.
_base_ = [
    '../_base_/datasets/cifar10lt-jpg-simmeta_bs128.py',
    '../_base_/default_runtime.py',
]

model = dict(
    type='MetaImageClassifier',
    mask_prob=1.0,
    mask_schedule='linear',
    backbone=dict(
        type='MetaFG', arch='cifar-tiny', img_size=32, stem_stride=2,
        meta_dims=(3, 4), drop_path_rate=0.1),
    head=dict(
        type='LinearClsHead', num_classes=10, in_channels=128,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))

epochs = 30
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=5.0),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0,
                       custom_keys={'cls_tokens': dict(decay_mult=0.0)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-2, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=2, end=epochs,
         T_max=epochs - 2, eta_min=1e-5, convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=epochs, val_interval=10)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(checkpoint=dict(interval=10))
# Records of this config stay apart from the CPU protocol's arms.
cpu_protocol = 'v2-simulated-meta'
