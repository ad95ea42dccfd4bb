# The APA / AGLU CIFAR-LT recipe (official classification/ code, README):
# batch 512 on one GPU, 500 epochs, SGD lr 0.2, wd 1e-3, 3 linear warm-up
# epochs, cosine decay to 0. Momentum 0.9 (the code's default).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.2, momentum=0.9, weight_decay=1e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=3),
    dict(type='CosineAnnealingLR', T_max=497, eta_min=0.0, by_epoch=True,
         begin=3, end=500),
]
train_cfg = dict(by_epoch=True, max_epochs=500, val_interval=20)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=512)
