# MetaFormer-0 with meta-information on iNaturalist 2018 (Diao et al.,
# arXiv 2203.02751; code dqshuai/MetaFormer): the hybrid backbone with the
# place (3-d, on the unit sphere) and the month / hour (4-d) of each
# observation as two meta tokens, read from the official train2018.json /
# train2018_locations.json files (INaturalistMeta). Published (code README,
# ImageNet-1k pre-training): 85.4 top-1 with meta, 79.5 without
# (metafg-0_inat2018.py). A GPU job.
#
# Recipe: the MetaFormer code's (config.py and its README's fine-tuning
# command): AdamW, lr 5e-5 for a total batch of 512 (scaled by
# auto_scale_lr), weight decay 0.05, 20 warm-up epochs from 5e-8, cosine to
# 5e-7, 300 epochs, gradient clipping 5, drop path 0.1, label smoothing
# 0.1, Mixup 0.8 / CutMix 1.0, RandAugment m9 (std 0.5), random erasing
# 0.25, colour jitter 0.4, meta masked for a share 1 - epoch/300 of each
# batch. The published numbers start from the code's ImageNet-1k
# MetaFormer-0 weights (its README's model zoo): convert them with
#   python tools/model_converters/metaformer_to_diffult.py \
#       metafg_0_1k_224.pth work_dirs/pretrained/metafg-0_1k_224.pth \
#       --drop-head --drop-meta
# and set load_from to the result; from scratch this config will not reach
# the published number.
_base_ = ['../_base_/default_runtime.py']

# The converted ImageNet-1k weights (see above); None trains from scratch.
load_from = None

data_root = '{{$DIFFULT_INAT2018:data/inaturalist2018}}'
img_size = 224
meta_keys = ('meta', 'meta_mask')
data_preprocessor = dict(
    num_classes=8142,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

model = dict(
    type='MetaImageClassifier',
    mask_prob=1.0,
    mask_schedule='linear',
    backbone=dict(
        type='MetaFG', arch='meta-0', img_size=img_size, stem_stride=4,
        meta_dims=(3, 4), drop_path_rate=0.1),
    head=dict(
        type='LinearClsHead', num_classes=8142, in_channels=768,
        loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1,
                  mode='original')),
    train_cfg=dict(augments=[
        dict(type='Mixup', alpha=0.8),
        dict(type='CutMix', alpha=1.0)
    ]))

bgr_mean = [103.53, 116.28, 123.675]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=img_size, backend='pillow',
         interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandAugment', policies='timm_increasing', num_policies=2,
         total_level=10, magnitude_level=9, magnitude_std=0.5,
         hparams=dict(pad_val=[round(x) for x in bgr_mean],
                      interpolation='bicubic')),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4),
    dict(type='RandomErasing', erase_prob=0.25, mode='rand', min_area_ratio=
         0.02, max_area_ratio=1 / 3, fill_color=bgr_mean,
         fill_std=[57.375, 57.12, 58.395]),
    dict(type='PackInputs', algorithm_keys=meta_keys),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=int(img_size / 0.875), edge='short',
         backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=img_size),
    dict(type='PackInputs', algorithm_keys=meta_keys),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=8,
    dataset=dict(type='INaturalistMeta', data_root=data_root,
                 version='2018', split='train', pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True))
val_dataloader = dict(
    batch_size=64,
    num_workers=8,
    dataset=dict(type='INaturalistMeta', data_root=data_root,
                 version='2018', split='val', pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = [dict(type='LongTailAccuracy')]
test_dataloader = val_dataloader
test_evaluator = val_evaluator

epochs = 300
warmup = 20
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=5e-5, weight_decay=0.05,
                   betas=(0.9, 0.999), eps=1e-8),
    clip_grad=dict(max_norm=5.0),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0,
                       custom_keys={'cls_tokens': dict(decay_mult=0.0)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0,
         end=warmup, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=warmup, end=epochs,
         T_max=epochs - warmup, eta_min=5e-7, convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=epochs, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=512)

# The leaderboard row this run fills, beside the published one.
leaderboard = dict(method='MetaFormer-0 + meta', dataset='iNaturalist-2018',
                   backbone='MetaFG meta-0 (hybrid conv-transformer)')
