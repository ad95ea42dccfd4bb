# The LDAM-DRW CIFAR recipe (Cao et al., NeurIPS 2019): SGD lr 0.1,
# momentum 0.9, wd 2e-4, batch 128, 200 epochs; linear warm-up
# lr * (e + 1) / 5 over the first 5 epochs, lr x0.01 at epochs 160 and 180.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=2e-4))
param_scheduler = [
    # 0.2, 0.4, ..., 1.0 at epochs 0..4 (LinearLR reaches 1 at `end - 1`).
    dict(type='LinearLR', start_factor=0.2, by_epoch=True, begin=0, end=5),
    dict(type='MultiStepLR', by_epoch=True, milestones=[160, 180], gamma=0.01),
]
train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=10)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
