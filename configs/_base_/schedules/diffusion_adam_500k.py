# The CBDM / DiffuLT generator recipe: Adam lr 2e-4, 5k-iteration linear
# warm-up, grad-norm clip 1.0, batch 128, 500k iterations, EMA 0.9999.
optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=2e-4), clip_grad=dict(max_norm=1.0))

# lr * iter / 5000 up to iter 5000 (LinearLR reaches 1 at `end - 1`).
param_scheduler = [
    dict(
        type='LinearLR', start_factor=1 / 5000, by_epoch=False, begin=0,
        end=5001),
]

train_cfg = dict(type='IterBasedTrainLoop', max_iters=500000,
                 val_interval=50000)
val_cfg = dict(type='ValLoop')

custom_hooks = [
    # mmengine's momentum is 1 - decay: 1e-4 is the paper's EMA 0.9999.
    dict(type='EMAHook', momentum=1e-4, priority='ABOVE_NORMAL'),
    dict(type='TrainClassCountsHook'),
    dict(type='DiffusionSampleGridHook', per_class=8, max_classes=20),
]
log_processor = dict(by_epoch=False)
