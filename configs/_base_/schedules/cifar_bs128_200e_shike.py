# SHIKE's CIFAR recipe (official cifarTrain.py): SGD momentum 0.9, wd 5e-4,
# batch 128. Stage 1 (epochs 0-179): linear warm-up 0.025 -> 0.15 over
# epochs 0-5, cosine to 0 at epoch 180. Stage 2 (180-199, classifier
# re-training): ClassifierRetrainHook restarts at 0.05, warm-up to 0.1 by
# epoch 185, cosine to 0 at 200 (the official code runs 20 cosine epochs
# after its warm-up; this keeps the 200-epoch total).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.15, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=1 / 6, by_epoch=True, begin=0, end=6),
    dict(type='CosineAnnealingLR', T_max=174, eta_min=0.0, by_epoch=True,
         begin=6, end=180),
    dict(type='LinearLR', start_factor=0.5, by_epoch=True, begin=180,
         end=186),
    dict(type='CosineAnnealingLR', T_max=14, eta_min=0.0, by_epoch=True,
         begin=186, end=200),
]
train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
