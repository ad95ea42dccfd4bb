# README, "Your own dataset": plain CE ResNet-32 on the long-tailed folder of
# diffult_resnet32_image-folder_cpu.py (the same data, schedule and
# metrics), without DiffuLT: the baseline of the DiffuLT run.
_base_ = ['./diffult_resnet32_image-folder_cpu.py']
train_dataloader = dict(
    dataset=dict(_delete_=True, type='LongTailDataset', imbalance_factor=None,
                 dataset={{_base_.train_set.dataset}}))
model = dict(head=dict(type='LinearClsHead'))
custom_hooks = []
