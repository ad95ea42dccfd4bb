# P2OT deep imbalanced clustering (Zhang et al., ICLR 2024) on CIFAR-100-LT
# IF100, the P2OT code's recipe (rhfeiyang/PPOT: train.py's defaults and the
# README's CIFAR-100 command): a DINO ViT-B/16 of which only the last block
# trains, 2 cosine cluster heads of 100 clusters (prediction by the head
# with the lowest loss of the last epoch), 224 px, two views per image
# (resize 256 bicubic, random crop 224, flip), batch 512, Adam 5e-4 without
# weight decay, cosine over 50 epochs, a logit bank of 10 batches, rho 0.1 ->
# 1 on the sigmoid ramp, epsilon 0.1, lambda 1. The labels never reach the
# loss; the clustering is scored on the balanced CIFAR-100 test set (the
# code's validation set), head / medium / tail by the training counts.
# A GPU job. The DINO weights are external knowledge (P2OT's setting, not
# DiffuLT's); convert the official checkpoint once:
#
#   python tools/model_converters/dino_vit_to_mmpretrain.py \
#       dino_vitbase16_pretrain.pth work_dirs/pretrained/dino_vit-base-p16.pth
#   python tools/train.py configs/p2ot/p2ot_vit-base-p16-dino_cifar100lt.py
#
# Departure, stated: mmpretrain's frozen_stages=11 leaves the final norm
# trainable where the code freezes it; its learning rate is 0 here
# (paramwise_cfg), so the same parameters learn.
_base_ = [
    '../_base_/datasets/cifar100lt_bs128.py',
    '../_base_/default_runtime.py',
]
dino_checkpoint = 'work_dirs/pretrained/dino_vit-base-p16.pth'
view = [
    dict(type='Resize', scale=(256, 256), interpolation='bicubic'),
    dict(type='RandomCrop', crop_size=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
train_dataloader = dict(
    batch_size=512,
    num_workers=8,
    dataset=dict(pipeline=[
        dict(type='MultiView', num_views=2, transforms=[view]),
        dict(type='PackInputs'),
    ]))
val_dataloader = dict(
    batch_size=1024,
    num_workers=8,
    dataset=dict(pipeline=[
        dict(type='Resize', scale=(256, 256), interpolation='bicubic'),
        dict(type='CenterCrop', crop_size=224),
        dict(type='PackInputs'),
    ]))
test_dataloader = val_dataloader
val_evaluator = [dict(type='ClusteringAccuracy', num_clusters=100)]
test_evaluator = val_evaluator
# ImageNet statistics (DINO's); the CIFAR pickles are RGB already.
data_preprocessor = dict(
    _delete_=True,
    type='MultiViewClsDataPreprocessor',
    num_classes=100,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=False)
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='VisionTransformer',
        arch='b',
        img_size=224,
        patch_size=16,
        out_type='cls_token',
        frozen_stages=11,
        init_cfg=dict(type='Pretrained', checkpoint=dino_checkpoint,
                      prefix='backbone.')),
    head=dict(
        type='P2OTClusterHead',
        in_channels=768,
        num_clusters=100,
        num_heads=2,
        classifier='cosine',
        logit_scale=10.0,
        bank_size=5120,
        rho0=0.1,
        epsilon=0.1,
        marginal_weight=1.0))
optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=5e-4, weight_decay=0.0),
    paramwise_cfg=dict(custom_keys={'backbone.ln1': dict(lr_mult=0.0)}))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=50, T_max=50,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=50, val_interval=10)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(checkpoint=dict(interval=10))
