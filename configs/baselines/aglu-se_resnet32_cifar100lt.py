# APA / AGLU (Alexandridis et al., ECCV 2024) on CIFAR-100-LT IF100: the
# SE-ResNet-32 with AGLU activations and APA-gated SE blocks, its CIFAR-LT
# recipe (batch 512, 500 epochs, lr 0.2, cosine, wd 1e-3, AutoAugment
# CIFAR-10 policy, Mixup 0.2) and the inverse-image-frequency correction at
# test. The paper's CIFAR-100-LT number is not among the confirmed published
# results (diffult_plugin/plugins/published_results.json); see the
# leaderboard for the rows that are.
_base_ = [
    '../_base_/models/aglu-se_resnet32_cifar.py',
    '../_base_/datasets/cifar100lt_bs128.py',
    '../_base_/schedules/cifar_bs512_500e_aglu.py',
    '../_base_/default_runtime.py',
]
train_dataloader = dict(
    batch_size=512,
    dataset=dict(pipeline=[
        dict(type='RandomCrop', crop_size=32, padding=4),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='CIFAR10AutoAugment'),
        dict(type='PackInputs'),
    ]))
custom_hooks = [
    # Class counts for the test-time correction (kept in the checkpoint).
    dict(type='TrainClassCountsHook'),
]
