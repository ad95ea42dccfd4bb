# The BBN CIFAR recipe (Zhou et al., CVPR 2020), which DiffuLT follows:
# SGD lr 0.1, Nesterov momentum 0.9, wd 2e-4, batch 128, 200 epochs,
# 5 linear warm-up epochs from lr/3 (stepped per epoch, as BBN does),
# lr x0.01 at epochs 120 and 160 (0.1 -> 1e-3 -> 1e-5).
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=2e-4, nesterov=True))

# BBN's factor is 1/3 + (2/3) * e / 5 at epoch e, 1 from epoch 5 on.
# mmengine's LinearLR reaches end_factor at epoch `end - 1`, hence end=6.
param_scheduler = [
    dict(type='LinearLR', start_factor=1 / 3, by_epoch=True, begin=0, end=6),
    dict(type='MultiStepLR', by_epoch=True, milestones=[120, 160], gamma=0.01),
]

train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=10)
val_cfg = dict()
test_cfg = dict()

# Base batch size for --auto-scale-lr.
auto_scale_lr = dict(base_batch_size=128)
