# ResNet-32 + meta-information fusion (MetaFusionClsHead: MetaFormer's meta
# encoder, concatenated with the image feature before the linear
# classifier) on CIFAR-10-LT IF100 with SIMULATED metadata
# (benchmarks/simulated_metadata.py). Schedule, augmentation and test set of
# the CPU protocol v2; its vision-only pair is the protocol's CE arm
# (configs/cpu_protocol/ce_resnet32_cifar10lt-jpg.py).
# Training masks the metadata of a share 1 - epoch/30 of each batch
# (MetaFormer's linear schedule), so the model also recognises images alone.
#
#   python benchmarks/simulated_metadata.py        # writes the CSV once
#   python benchmarks/metadata_fusion.py --arms resnet32-metafusion
_base_ = [
    '../_base_/models/resnet32_cifar_ce.py',
    '../_base_/datasets/cifar10lt-jpg-simmeta_bs128.py',
    '../_base_/schedules/cpu-protocol-v2_sgd_30e_cosine.py',
    '../_base_/default_runtime.py',
]

default_hooks = dict(checkpoint=dict(interval=10))
model = dict(
    backbone=dict(channels_last=True),
    head=dict(
        type='MetaFusionClsHead',
        num_classes=10,
        meta_dim=7,
        encoder=dict(width=64, num_blocks=2),
        fusion='concat',
        mask_prob=1.0,
        mask_schedule='linear'))
# Records of this config stay apart from the CPU protocol's arms.
cpu_protocol = 'v2-simulated-meta'
