# CPU protocol v2, CE arm: plain CE ResNet-32 on CIFAR-10-LT IF100 (LDAM
# split) built from the CIFAR-10 JPEG folder, on the protocol's one schedule
# (30 epochs, cosine). Every other arm of configs/cpu_protocol/ starts from
# this file and changes only what defines its method.
#
#   export DIFFULT_CIFAR10_JPG=<folder with train/ and test/ class folders>
#   python benchmarks/cpu_protocol.py --arms ce
_base_ = [
    '../_base_/models/resnet32_cifar_ce.py',
    '../_base_/datasets/cifar10lt-jpg_bs128.py',
    '../_base_/schedules/cpu-protocol-v2_sgd_30e_cosine.py',
    '../_base_/default_runtime.py',
]
# channels_last: 0.41 s vs 0.56 s per train step on 2 CPU cores
# (benchmarks/resnet32_train_speed.py).
model = dict(backbone=dict(channels_last=True), head=dict(num_classes=10))
default_hooks = dict(checkpoint=dict(interval=10))
