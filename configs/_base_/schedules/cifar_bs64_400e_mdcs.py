# MDCS's CIFAR recipe (config_cifar100_ir100_mdcs.json): batch 64, 400
# epochs, SGD lr 0.1, Nesterov momentum 0.9, wd 5e-4; linear warm-up over
# 20 epochs, lr x0.1 at epochs 200, 320 and 380 (0.1 -> 0.01 -> 1e-3 ->
# 1e-4).
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True))
param_scheduler = [
    # mmengine's LinearLR reaches end_factor at `end - 1`.
    dict(type='LinearLR', start_factor=0.05, by_epoch=True, begin=0,
         end=20),
    dict(type='MultiStepLR', by_epoch=True, milestones=[200, 320, 380],
         gamma=0.1),
]
train_cfg = dict(by_epoch=True, max_epochs=400, val_interval=20)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)
