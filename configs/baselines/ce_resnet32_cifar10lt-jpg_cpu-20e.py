# A short CPU run: plain CE ResNet-32 on CIFAR-10-LT IF100 built from the
# real CIFAR-10 JPEGs, 20 epochs (about 15 minutes on 2 CPU cores; see
# benchmarks/RESULTS.md). The BBN schedule compressed by 10x: 1 warm-up
# epoch from lr/3, lr x0.01 at epochs 12 and 16. Not comparable with
# 200-epoch numbers; it is the smoke test of the real-data path and the
# baseline arm of the CPU benchmark protocol.
#
#   export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
#   python tools/train.py configs/baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py
_base_ = [
    '../_base_/models/resnet32_cifar_ce.py',
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_bbn.py',
    '../_base_/default_runtime.py',
]
# channels_last: 0.41 s vs 0.56 s per train step here
# (benchmarks/resnet32_train_speed.py).
model = dict(
    backbone=dict(channels_last=True), head=dict(num_classes=10))

param_scheduler = [
    # lr/3 at epoch 0, lr from epoch 1 (LinearLR reaches 1 at `end - 1`).
    dict(type='LinearLR', start_factor=1 / 3, by_epoch=True, begin=0, end=2),
    dict(type='MultiStepLR', by_epoch=True, milestones=[12, 16], gamma=0.01),
]
train_cfg = dict(max_epochs=20, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5))
