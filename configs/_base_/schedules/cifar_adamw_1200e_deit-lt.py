# DeiT-LT's CIFAR-LT recipe (sh/train_c100_if100.sh): AdamW lr 5e-4, wd 0.05,
# 5 warm-up epochs, cosine over 1200 epochs; from epoch 1100 (the DRW phase)
# no Mixup / CutMix and the distillation loss re-weighted by class
# (set in the method config). Effective batch 1024 (128 per GPU x 2 GPUs x 4
# accumulation steps); here batch 128 x 8 accumulation steps on one device.
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=5e-4, weight_decay=0.05),
    accumulative_counts=8,
    paramwise_cfg=dict(
        norm_decay_mult=0.0,
        bias_decay_mult=0.0,
        custom_keys={
            '.cls_token': dict(decay_mult=0.0),
            '.dist_token': dict(decay_mult=0.0),
            '.pos_embed': dict(decay_mult=0.0),
        }))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=1195, eta_min=1e-5, by_epoch=True,
         begin=5, end=1200),
]
train_cfg = dict(by_epoch=True, max_epochs=1200, val_interval=50)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=1024)
